/**
 * Says that this database is the seeded demo clinic (issue 13, item 4): made-up patients and sign-ins whose
 * passwords are published in the README, so no one mistakes it for the clinic's records or enters real ones.
 * Known from the marker the seed writes (clinics.is_demo), never from the environment.
 */
export function DemoBanner() {
  return (
    <p className="demo-banner" role="note">
      <strong>Demo clinic.</strong> Every patient here is made up and the demo sign-ins are published: do not enter
      real patient data.
    </p>
  );
}
