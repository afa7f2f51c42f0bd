import { IMPACT_LABELS, IMPACTS } from "@/db/constants";

/** The impact override's choices, for the new-incident form and the incident's details card. */
export function ImpactOptions() {
  return (
    <>
      <option value="">Computed from components</option>
      {IMPACTS.map((i) => (
        <option key={i} value={i}>
          {IMPACT_LABELS[i]}
        </option>
      ))}
    </>
  );
}
