import { MongoClient } from 'mongodb';

/** Drops the databases a test namespace created (each service's own: <namespace>_<service>). */
export async function dropNamespaceDatabases(mongoUrl: string, namespace: string): Promise<void> {
  const client = await MongoClient.connect(mongoUrl);
  try {
    const { databases } = await client.db('admin').admin().listDatabases();
    for (const { name } of databases) if (name.startsWith(`${namespace}_`)) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

export async function withMongo<T>(mongoUrl: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(mongoUrl);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
