// TEMPORARY preview of CardPanel (cards helper); deleted after the visual check.
import { CardPanel } from '../patients/[id]/_components/card-panel';
export default async function Preview() {
  return (
    <>
      <h1>Preview</h1>
      <div className="stack">
        <CardPanel patientId={20} pumpId={20} />
        <CardPanel patientId={19} pumpId={19} />
        <CardPanel patientId={21} pumpId={21} />
      </div>
    </>
  );
}
