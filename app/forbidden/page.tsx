import Link from 'next/link';

export const metadata = { title: 'Not allowed' };

export default function ForbiddenPage() {
  return (
    <main className="narrow">
      <h1>Not allowed for your role</h1>
      <p>Your account does not have access to that page. Ask a clinic administrator if you need it.</p>
      <p>
        <Link href="/">Back to the worklist</Link>
      </p>
    </main>
  );
}
