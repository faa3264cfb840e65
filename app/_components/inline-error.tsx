/**
 * A form's error, under the form it is about: role="alert" so a screen reader announces it when it appears.
 * `id` lets a field point to it (aria-describedby); `className` places it (default: 0.75rem below the form);
 * `title` heads a longer message (what failed, then why).
 */
export function InlineError({
  message,
  id,
  className = "mt-3",
  title,
}: {
  message: string | null | undefined;
  id?: string;
  className?: string;
  title?: string;
}) {
  if (!message) return null;
  const box = `${className ? `${className} ` : ""}rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200`;
  if (title) {
    return (
      <div id={id} role="alert" className={box}>
        <p className="font-semibold">{title}</p>
        <p className="mt-0.5">{message}</p>
      </div>
    );
  }
  return (
    <p id={id} role="alert" className={box}>
      {message}
    </p>
  );
}
