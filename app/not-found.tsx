import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-3 px-4 text-center">
      <p className="text-sm font-semibold text-blue-700 dark:text-blue-400">404</p>
      <h1 className="text-xl font-semibold tracking-tight">Page not found</h1>
      <p className="text-slate-600 dark:text-slate-400">There is nothing at this address.</p>
      <Link href="/" className="btn-primary mt-2">
        Go to the overview
      </Link>
    </main>
  );
}
