import { Select } from "@/components/ui/form";

/** The reminder choices of the maintenance forms and the page default (lib/maintenance/remind.ts bounds them). */
export const REMIND_OPTIONS = [
  { value: "", label: "No reminder" },
  { value: "15", label: "15 minutes before" },
  { value: "60", label: "1 hour before" },
  { value: "1440", label: "1 day before" },
];

/** A reminder select; a stored value outside the usual choices (set through the API) stays selectable. */
export function RemindSelect({
  name,
  id,
  value,
  className,
}: {
  name: string;
  id?: string;
  value: number | null;
  className?: string;
}) {
  const current = value === null ? "" : String(value);
  return (
    <Select name={name} id={id} defaultValue={current} className={className}>
      {REMIND_OPTIONS.some((o) => o.value === current) ? null : <option value={current}>{value} minutes before</option>}
      {REMIND_OPTIONS.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </Select>
  );
}
