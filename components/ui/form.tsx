import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { MAX_PASSWORD_LENGTH } from "@/lib/auth/constants";
import type { FieldErrors } from "@/lib/errors";

const control =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600 " +
  "focus:outline-none focus:ring-2 focus:ring-blue-600/30 dark:border-zinc-700 dark:bg-zinc-900";

export function Field({
  label,
  name,
  errors,
  hint,
  children,
}: {
  label: string;
  name: string;
  errors?: FieldErrors;
  hint?: ReactNode;
  children: ReactNode;
}) {
  const messages = errors?.[name];
  return (
    <div className="block">
      <label htmlFor={name} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && <p className="mt-1 text-xs text-zinc-500">{hint}</p>}
      {messages?.map((m) => (
        <p key={m} id={`${name}-error`} className="mt-1 text-xs text-red-700 dark:text-red-400" role="alert">
          {m}
        </p>
      ))}
    </div>
  );
}

export function Input(props: InputHTMLAttributes<HTMLInputElement> & { name: string }) {
  return <input id={props.name} {...props} className={`${control} ${props.className ?? ""}`} />;
}

/** A password being chosen: the auth rules' lengths, offered to password managers as a new one. */
export function NewPasswordInput({ name, minLength }: { name: string; minLength: number }) {
  return (
    <Input
      name={name}
      type="password"
      required
      minLength={minLength}
      maxLength={MAX_PASSWORD_LENGTH}
      autoComplete="new-password"
    />
  );
}

export function Textarea(props: TextareaHTMLAttributes<HTMLTextAreaElement> & { name: string }) {
  return <textarea id={props.name} rows={5} {...props} className={`${control} font-mono ${props.className ?? ""}`} />;
}

export function Select(props: SelectHTMLAttributes<HTMLSelectElement> & { name: string }) {
  return <select id={props.name} {...props} className={`${control} ${props.className ?? ""}`} />;
}

const buttonStyles = {
  primary: "bg-blue-600 text-white hover:bg-blue-700 disabled:bg-blue-400",
  secondary:
    "border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 " +
    "dark:text-zinc-100 dark:hover:bg-zinc-800",
  danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-red-400",
};

export function Button({
  variant = "primary",
  className = "",
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof buttonStyles }) {
  return (
    <button
      {...props}
      className={
        `inline-flex items-center justify-center rounded-md px-3 ` +
        `py-2 text-sm font-medium shadow-sm transition-colors ` +
        `${buttonStyles[variant]} ${className}`
      }
    />
  );
}

export function FormMessage({ state }: { state: { error?: string; message?: string } }) {
  if (state.error)
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
        {state.error}
      </p>
    );
  if (state.message)
    return (
      <p
        role="status"
        className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-200"
      >
        {state.message}
      </p>
    );
  return null;
}
