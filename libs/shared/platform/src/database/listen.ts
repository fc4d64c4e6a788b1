import pg from 'pg';

/**
 * A connection of its own that LISTENs on `channels` and calls `onNotify` with the channel of each
 * NOTIFY (delivered at the notifier's commit). `onLost` is told when the connection fails later:
 * callers poll as well, so a lost listener only makes them slower. Rejects if it cannot connect.
 */
export async function listenForNotifications(
  databaseUrl: string,
  channels: readonly string[],
  handlers: { onNotify: (channel: string) => void; onLost: (e: Error) => void; applicationName?: string },
): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: handlers.applicationName });
  client.on('notification', (n) => handlers.onNotify(n.channel));
  client.on('error', handlers.onLost);
  try {
    await client.connect();
    for (const channel of channels) await client.query(`LISTEN ${channel}`);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return client;
}
