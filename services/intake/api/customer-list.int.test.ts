import type { Connection, mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PlatformError, type Platform, type Principal, type RouteSpec } from '@aftersales/platform';
import { callRoute, commandRecorder, monitoredConnection, scansOf, uniqueName } from '@aftersales/platform/testing';
import { namePattern } from '../store/customer-names';
import { createIntakeModels, type CustomerDoc, type IntakeModels } from '../store/models';
import { readModelsOf } from '../store/read-models';
import { customerRoutes } from './customers';

/**
 * On the real Mongo server: GET /v1/customers a page at a time. Walking `next` from the first page
 * to the last answers what one sort of every customer answered (A to Z by name then id; by id for a
 * name search and a dealer's list), each page read by `_id`, and a bad `after` is a 400 naming it.
 */
const stack = inject('stack');
const ns = uniqueName('intake-cust-pages');
const keyed = new Set(['customers', 'customerNames', 'customerNameKeys', 'dealerCustomers']);
const { listener, recorded } = commandRecorder();
const manager: Principal = { sub: 'manager-user', roles: ['manager'] };
const dealer: Principal = { sub: 'dealer-user', roles: ['dealer'], dealerId: 'D-1' };

let mongo: Connection;
let models: IntakeModels;
let customers: driver.Collection<CustomerDoc>;
let list: RouteSpec;

const towns = ['Jiangnan', 'jiangyin', 'Müller', 'MÜNCHEN', 'Ørsted', 'A', 'Ab', 'Acme', 'acme', '(Paren)', '江南', 'Pudong', 'Zhonghua'];
const trades = ['', ' Precision', ' Laser', ' Tools'];

/** Created as POST /v1/customers creates: noted under its name, then inserted through the dealer's list. */
async function create(id: string, name: string, dealerId: string | null = null): Promise<void> {
  await readModelsOf(models).customerNames.note([{ id, name }]);
  const doc: CustomerDoc = { _id: id, name, class: dealerId ? 'indirect' : 'standard', dealerId, contacts: [], sites: [] };
  await readModelsOf(models).dealerCustomers.writing(id, [dealerId], () => customers.insertOne(doc));
}

const byName = (a: CustomerDoc, b: CustomerDoc) => {
  const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
};

async function page(query: Record<string, string>, principal: Principal = manager) {
  const { result, commands } = await recorded(() =>
    callRoute(list, { query, principal }),
  );
  const body = result.body as { items: { id: string }[]; next: string | null };
  return { ids: body.items.map((c) => c.id), next: body.next, commands };
}

/** Every page from the first, following `next`, with the commands they sent. */
async function walk(query: Record<string, string>, principal: Principal = manager) {
  const pages: string[][] = [];
  const commands: driver.CommandStartedEvent[] = [];
  let after: string | null = null;
  do {
    const answer = await page({ ...query, ...(after ? { after } : {}) }, principal);
    pages.push(answer.ids);
    commands.push(...(answer.commands as driver.CommandStartedEvent[]));
    after = answer.next;
    expect(pages.length).toBeLessThan(100);
  } while (after);
  return { pages, commands };
}

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  customers = models.customers.collection as unknown as driver.Collection<CustomerDoc>;
  await readModelsOf(models).dealerCustomers.buildOnce(new Date());
  let n = 0;
  for (const town of towns) for (const trade of trades) await create(`C-${String(n++).padStart(3, '0')}`, `${town}${trade}`, n % 4 === 0 ? 'D-1' : null);
  const platform = { now: () => new Date() } as unknown as Platform;
  list = customerRoutes(platform, models).find((r) => r.method === 'get' && r.path === '/v1/customers')!;
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe('GET /v1/customers, a page at a time', () => {
  it('walks A to Z by name then id, seven at a time, to what one sort of every customer answered, reading by _id', async () => {
    const sorted = (await customers.find({}).toArray()).sort(byName).map((c) => c._id);
    const { pages, commands } = await walk({ limit: '7' });
    expect(pages.flat()).toEqual(sorted);
    expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
    expect(scansOf(commands, { keyed, small: new Set() })).toEqual([]);
    // A page reads the customers it answers and no more, when each candidate is kept.
    const customersRead = (await page({ limit: '7' })).commands.filter((c) => c.commandName === 'find' && c.command.find === 'customers');
    expect(customersRead).toHaveLength(7);
    // A class filter pages the same way over what it keeps.
    const standard = (await customers.find({ class: 'standard' }).toArray()).sort(byName).map((c) => c._id);
    expect((await walk({ limit: '5', class: 'standard' })).pages.flat()).toEqual(standard);
  });

  it('shows a customer created after the cursor on a later page and shifts nothing already shown', async () => {
    const first = await page({ limit: '10' });
    await create('C-NEW-1', 'Aaaa First'); // sorts before the cursor: not on the pages after it
    await create('C-NEW-2', 'Zz Last'); // sorts after: on the last page
    const rest: string[] = [];
    for (let after = first.next; after; ) {
      const next = await page({ limit: '10', after });
      rest.push(...next.ids);
      after = next.next;
    }
    const sorted = (await customers.find({}).toArray()).sort(byName).map((c) => c._id);
    expect([...first.ids, ...rest]).toEqual(sorted.filter((id) => id !== 'C-NEW-1'));
    expect(rest).toContain('C-NEW-2');
  });

  it('pages a name search and a dealer list by id', async () => {
    const byFilter = (await customers.find({ name: { $regex: namePattern('a').source, $options: 'i' } }).sort({ _id: 1 }).toArray()).map((c) => c._id);
    expect(byFilter.length).toBeGreaterThan(10);
    expect((await walk({ q: 'a', limit: '3' })).pages.flat()).toEqual(byFilter);
    const own = (await customers.find({ dealerId: 'D-1' }).sort({ _id: 1 }).toArray()).map((c) => c._id);
    expect(own.length).toBeGreaterThan(8);
    const asDealer = await walk({ limit: '4' }, dealer);
    expect(asDealer.pages.flat()).toEqual(own);
    expect(asDealer.pages.length).toBeGreaterThan(2);
  });

  it('refuses an after it did not answer, or one from another list: a 422 naming after', async () => {
    const bad = await page({ limit: '5', after: 'bm90IGEgdG9rZW4' }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(PlatformError);
    expect(bad).toMatchObject({ status: 422, field: 'after' });
    const byId = await page({ q: 'a', limit: '2' });
    expect(byId.next).not.toBeNull();
    const refused = await page({ limit: '2', after: byId.next! }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlatformError);
    expect(refused).toMatchObject({ status: 422, field: 'after' });
  });
});
