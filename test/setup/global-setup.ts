// Starts the services the integration tests need (filled by the database test setup).
export default async function setup(): Promise<void> {}
