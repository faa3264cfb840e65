/**
 * The header's sign-out. A Microsoft account also gets "Sign out of Microsoft too", which ends its Entra session
 * (the end-session endpoint) after JoinScope's; plain "Sign out" ends only JoinScope's.
 */
export function SignOutForm({ action, entra }: { action: (formData: FormData) => Promise<void>; entra: boolean }) {
  return (
    <form action={action} className="flex items-center gap-1">
      <button type="submit" className="btn-ghost px-2.5 py-1.5 text-[13px]">
        Sign out
      </button>
      {entra ? (
        <button
          type="submit"
          name="everywhere"
          value="1"
          className="btn-ghost px-2.5 py-1.5 text-[13px]"
          title="Also end your Microsoft session in this browser"
        >
          Sign out of Microsoft too
        </button>
      ) : null}
    </form>
  );
}
