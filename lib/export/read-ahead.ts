/**
 * An export's keyset batches read one ahead: as soon as a batch arrives, the read of the next one (which starts after
 * its last row) is sent, and only then is the batch handed to the writer. On PostgreSQL the database reads and sends
 * batch N+1 while the writer formats batch N, instead of each waiting for the other: the findings CSV export spent 60%
 * of its time waiting for reads (decision 049). At most one batch beyond the one being written is held, so memory
 * still does not grow with the rows, and a consumer that stops reading stops the reads after that one. On SQLite a
 * read runs at once in the calling thread, so the order of the work is all that changes.
 *
 * `read(after)` reads up to `batchRows` rows after the row `after` (null: from the start); a shorter batch is the last.
 */
export async function* readAhead<T>(read: (after: T | null) => Promise<T[]>, batchRows: number): AsyncGenerator<T[]> {
  let next: Promise<T[]> | null = read(null);
  try {
    while (next) {
      const rows: T[] = await next;
      next = rows.length >= batchRows ? read(rows[rows.length - 1]!) : null;
      if (rows.length > 0) yield rows;
    }
  } finally {
    // Stopped early (a cancelled download): the read ahead is left to finish, its rows or its error dropped.
    next?.catch(() => undefined);
  }
}
