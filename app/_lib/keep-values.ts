import { startTransition, type FormEvent } from "react";

/**
 * Submit through the action without React's automatic form reset, so a rejected form keeps what the admin
 * typed (React 19 resets uncontrolled fields after every <form action> submission).
 */
export function keepValues(dispatch: (formData: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(formData));
  };
}
