export default function PublicNotFound() {
  return (
    <div className="rounded-xl border border-zinc-200 bg-white p-8 text-center dark:border-zinc-800 dark:bg-zinc-900">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">This incident or page does not exist, or is not public.</p>
      <p className="mt-4">
        <a href="/" className="font-medium text-blue-700 hover:underline dark:text-blue-400">
          Back to current status
        </a>
      </p>
    </div>
  );
}
