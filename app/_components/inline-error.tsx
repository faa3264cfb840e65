/**
 * A form's error, under the form it is about: role="alert" so a screen reader announces it when it appears.
 * `id` lets a field point to it (aria-describedby); `className` places it (default: 0.75rem below the form).
 */
export function InlineError({ message, id, className = "mt-3" }: { message: string | null | undefined; id?: string; className?: string }) {
  if (!message) return null;
  return (
    <p
      id={id}
      role="alert"
      className={`${className ? `${className} ` : ""}rounded-md border border-red-200 bg-red-50 px-3 py-2 text-[13px] text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200`}
    >
      {message}
    </p>
  );
}
