import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { locationClassSchema } from '@aftersales/contracts';
import { defineRoute, readEachById, timeZone, isDuplicateKeyError, NotFoundError, UnprocessableError, type Platform, type Role, type RouteSpec } from '@aftersales/platform';
import { entitlementOf, lineageOf } from '../domain/assessment';
import { customerClasses } from '../domain/priority';
import { contractsOf, readModelsOf } from '../store/read-models';
import { namePattern } from '../store/customer-names';
import type { mongo } from 'mongoose';
import { findVisibleCustomer, machinesOfCustomer, visibleCustomerIds } from '../store/installed-base';
import { openRequestsOfCustomer, requestsOfCustomer } from '../store/customer-requests';
import type { ContractDoc, CustomerDoc, DealerDoc, IntakeModels, ServiceRequestDoc, SiteDoc } from '../store/models';
import { callerScope, conflictField, customerContactSchema, entityId, forbiddenField, installedBaseReaders, limitQuery, shortId } from './common';
import { placeOf, placeToken } from './customer-pages';
import { customerOverview, customerPage, customerRequestsView, customerView } from './responses';
import { entitlementBrief, presentContract, presentCustomer, presentDealer, presentMachine, presentRequest } from './views';

export const siteBody = z.strictObject({
  id: entityId.optional(),
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().min(1).max(500),
  city: z.string().trim().min(1).max(100),
  locationClass: locationClassSchema,
  coordinates: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).nullable().optional(),
  timeZone,
});

export const customerBody = z
  .strictObject({
    id: entityId.optional(),
    name: z.string().trim().min(1).max(200),
    class: z.enum(customerClasses),
    dealerId: entityId.nullable().optional(),
    contacts: z.array(customerContactSchema).max(50).default([]),
    sites: z.array(siteBody).max(200).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.class === 'indirect' && !c.dealerId) ctx.addIssue({ code: 'custom', path: ['dealerId'], message: 'an indirect customer needs the dealer that serves it' });
    if (c.class !== 'indirect' && c.dealerId) ctx.addIssue({ code: 'custom', path: ['dealerId'], message: `a ${c.class} customer is served directly; only an indirect one has a dealer` });
    const ids = new Set<string>();
    c.sites.forEach((s, i) => {
      if (s.id && ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `site id ${s.id} is used twice` });
      if (s.id) ids.add(s.id);
    });
    c.contacts.forEach((contact, i) => {
      if (contact.siteId && !ids.has(contact.siteId)) ctx.addIssue({ code: 'custom', path: ['contacts', i, 'siteId'], message: `no site ${contact.siteId} among this customer's sites` });
    });
  });

function toSite(site: z.infer<typeof siteBody>, id: string): SiteDoc {
  return { id, name: site.name, address: site.address, city: site.city, locationClass: site.locationClass, coordinates: site.coordinates ?? null, timeZone: site.timeZone };
}

const writers = ['agent', 'manager', 'platform', 'dealer'] as const satisfies readonly Role[];

export function customerRoutes(platform: Platform, models: IntakeModels): RouteSpec[] {
  const create = defineRoute({
    method: 'post',
    path: '/v1/customers',
    summary: 'Register a customer with its contacts and sites (dealers: their own indirect end users)',
    tags: ['customers'],
    roles: writers,
    body: customerBody,
    example: {
      name: 'Example Machining Co.',
      class: 'standard',
      contacts: [{ name: 'Wang Fang', phone: '+86 21 5555 0199', siteId: 'EXAMPLE-S1' }],
      sites: [{ id: 'EXAMPLE-S1', name: 'Main plant', address: '1 Example Road', city: 'Shanghai', locationClass: 'provincial-capital', timeZone: 'Asia/Shanghai' }],
    },
    responses: {
      201: {
        description: 'The customer',
        schema: customerView,
        links: {
          getCustomer: { operationId: 'getCustomersById', parameters: { id: '$response.body#/id' } },
          addSite: { operationId: 'postCustomersByIdSites', parameters: { id: '$response.body#/id' } },
          listMachines: { operationId: 'getMachines', parameters: { customerId: '$response.body#/id' } },
          listRequests: { operationId: 'getServiceRequests', parameters: { customerId: '$response.body#/id' } },
          listContracts: { operationId: 'getServiceContracts', parameters: { customerId: '$response.body#/id' } },
          scheduleVisits: { operationId: 'postCustomersByIdProactiveVisits', parameters: { id: '$response.body#/id' } },
        },
      },
    },
    handler: async ({ body, principal }) => {
      const scope = callerScope(principal, writers);
      const dealerId = body.dealerId ?? null;
      if (scope.kind === 'dealer') {
        // A dealer registers its own end users: always indirect, always served by itself.
        if (body.class !== 'indirect') throw forbiddenField('class', 'a dealer registers indirect customers only');
        if (dealerId !== scope.dealerId) throw forbiddenField('dealerId', `a dealer registers customers for itself (${scope.dealerId}) only`);
      }
      if (dealerId && !(await models.dealers.exists({ _id: dealerId }))) throw new UnprocessableError('dealerId', `dealerId: no dealer ${dealerId}`);
      const id = body.id ?? shortId('CUST', randomBytes(8));
      const now = platform.now();
      const doc: CustomerDoc = {
        _id: id,
        name: body.name,
        class: body.class,
        dealerId,
        contacts: body.contacts,
        sites: body.sites.map((s, i) => toSite(s, s.id ?? `${id}-S${i + 1}`)),
        createdAt: now,
        createdBy: principal!.sub,
      };
      // Noted under its name before the insert: a crash between leaves an id the search skips (customer-names.ts).
      await readModelsOf(models).customerNames.note([{ id, name: doc.name }]);
      try {
        // The dealer's list marks the customer first and settles after (dealer-customers.ts).
        await readModelsOf(models).dealerCustomers.writing(id, [dealerId], () => models.customers.collection.insertOne(doc as never));
      } catch (error) {
        if (isDuplicateKeyError(error)) throw conflictField('id', `a customer ${id} already exists`);
        throw error;
      }
      return { status: 201, body: presentCustomer(doc), headers: { location: `/v1/customers/${id}` } };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/v1/customers',
    summary: 'Customers by name prefix (by id), by dealer (by id), or A to Z by name; by class too (dealers: their own only); a page at a time, the next from `next`',
    tags: ['customers'],
    roles: installedBaseReaders,
    query: z.strictObject({
      q: z.string().trim().min(1).max(100).optional(),
      class: z.enum(customerClasses).optional(),
      dealerId: entityId.optional(),
      limit: limitQuery,
      /** The `next` of the page before; a string the list did not answer is a 422 naming `after`. */
      after: z.string().min(1).max(2000).optional(),
    }),
    responses: {
      200: { description: '{ items, next }: next, when not null, asks for the page after this one as `after`', schema: customerPage },
      422: { description: '`after` is not a token this list answered as `next`, or continues another kind of list' },
    },
    handler: async ({ query, principal }) => {
      const scope = callerScope(principal, installedBaseReaders);
      if (scope.kind === 'dealer' && query.dealerId && query.dealerId !== scope.dealerId) return { status: 200, body: { items: [], next: null } };
      const named = query.q ? namePattern(query.q) : null;
      const wanted = (c: CustomerDoc) => (!named || named.test(c.name)) && (!query.class || c.class === query.class);
      const dealerId = scope.kind === 'dealer' ? scope.dealerId : query.dealerId;
      const by = dealerId || query.q ? 'id' : 'name';
      const place = query.after === undefined ? undefined : placeOf(query.after);
      if (place === null) throw new UnprocessableError('after', 'after: not a token this list answered as next');
      if (place && place.by !== by) {
        throw new UnprocessableError('after', `after: this token continues a list ${place.by === 'name' ? 'A to Z by name' : 'by id'}; ask for its next page with the same q and dealerId`);
      }
      const afterId = place?.by === 'id' ? place.id : undefined;
      let found: CustomerDoc[];
      if (dealerId) {
        // A dealer's customers by id, from its list (dealer-customers.ts), not a filter over every customer.
        const ids = [...((await visibleCustomerIds(models, { kind: 'dealer', dealerId })) ?? [])].filter((id) => afterId === undefined || id > afterId).sort();
        const read = (id: string) => models.customers.findById(id).lean<CustomerDoc>();
        found = await readEachById(ids, read, { batch: Math.min(100, query.limit), keep: (c) => c.dealerId === dealerId && wanted(c), limit: query.limit });
      } else if (query.q) {
        // By name, by id: the candidates of the name's bucket, each read by `_id` and checked (customer-names.ts).
        found = await readModelsOf(models).customerNames.named(query.q, { keep: wanted, limit: query.limit, afterId });
      } else {
        // A to Z by name, walking the name buckets: a page reads a few of them, not every customer.
        const after = place?.by === 'name' ? place.place : undefined;
        found = await readModelsOf(models).customerNames.alphabetical({ keep: wanted, limit: query.limit, after });
      }
      const page = found.slice(0, query.limit);
      const last = page.at(-1);
      // A full page may have more after it; the last page's `next` may then answer an empty page.
      const next = last && page.length === query.limit ? placeToken(by === 'name' ? { by, place: { name: last.name, id: last._id } } : { by, id: last._id }) : null;
      return { status: 200, body: { items: page.map(presentCustomer), next } };
    },
  });

  const read = defineRoute({
    method: 'get',
    path: '/v1/customers/:id',
    summary: "One customer in one pass: sites, contacts, dealer, machines with today's entitlement, contracts, open requests",
    tags: ['customers'],
    roles: installedBaseReaders,
    params: z.object({ id: entityId }),
    responses: { 200: { description: 'The customer overview', schema: customerOverview } },
    handler: async ({ params, principal }) => {
      const customer = await findVisibleCustomer(models, params.id, callerScope(principal, installedBaseReaders));
      if (!customer) throw new NotFoundError('customer', params.id, 'id');
      const now = platform.now();
      const [machines, contracts, dealer, open] = await Promise.all([
        machinesOfCustomer(models, customer._id, 2000),
        contractsOf(readModelsOf(models), models.contracts.collection as unknown as mongo.Collection<ContractDoc>, customer._id),
        customer.dealerId ? models.dealers.findById(customer.dealerId).lean<DealerDoc>() : null,
        openRequestsOfCustomer(readModelsOf(models), models.serviceRequests.collection as unknown as mongo.Collection<ServiceRequestDoc>, customer._id),
      ]);
      const machineViews = machines.map((machine) => {
        const lineage = lineageOf(machine, machines);
        const entitlement = entitlementOf({ customerId: customer._id, machine, lineage, contracts, at: now });
        return { ...presentMachine(machine), ancestors: lineage.ancestors.map((m) => m._id), entitlementNow: entitlementBrief(entitlement) };
      });
      return {
        status: 200,
        body: {
          ...presentCustomer(customer),
          dealer: dealer ? presentDealer(dealer) : null,
          machines: machineViews,
          roots: machines.filter((m) => !m.parentSerial).map((m) => m._id),
          contracts: contracts.map(presentContract),
          openRequests: open.map(({ _id, ...rest }) => ({ id: _id, ...rest })),
          at: now,
        },
      };
    },
  });

  const requests = defineRoute({
    method: 'get',
    path: '/v1/customers/:id/requests',
    summary: "A customer's requests for its page: every open one and those that closed last (up to `limit` each), read by key, not filtered over every request",
    tags: ['customers'],
    roles: installedBaseReaders,
    params: z.object({ id: entityId }),
    query: z.strictObject({ limit: limitQuery }),
    responses: { 200: { description: '{ open, recentlyClosed }, newest first', schema: customerRequestsView } },
    handler: async ({ params, query, principal }) => {
      const customer = await findVisibleCustomer(models, params.id, callerScope(principal, installedBaseReaders));
      if (!customer) throw new NotFoundError('customer', params.id, 'id');
      const found = await requestsOfCustomer(readModelsOf(models), models.serviceRequests.collection as unknown as mongo.Collection<ServiceRequestDoc>, customer._id, query.limit);
      return { status: 200, body: { open: found.open.map(presentRequest), recentlyClosed: found.recentlyClosed.map(presentRequest) } };
    },
  });

  const addSite = defineRoute({
    method: 'post',
    path: '/v1/customers/:id/sites',
    summary: 'Add a site to a customer',
    tags: ['customers'],
    roles: writers,
    params: z.object({ id: entityId }),
    body: siteBody,
    responses: { 201: { description: 'The customer with the new site', schema: customerView, links: { getCustomer: { operationId: 'getCustomersById', parameters: { id: '$response.body#/id' } } } } },
    handler: async ({ params, body, principal }) => {
      const customer = await findVisibleCustomer(models, params.id, callerScope(principal, writers));
      if (!customer) throw new NotFoundError('customer', params.id, 'id');
      // Read, checked and written by `_id` under the customer's lock: FerretDB v1 neither isolates
      // two updates of one document nor serves a `{ _id, 'sites.id' }` filter without reading every
      // customer, and two sites added at once must both stay.
      const after = await readModelsOf(models).customerLocks.holding(customer._id, async () => {
        const current = (await models.customers.findById(customer._id).lean<CustomerDoc>()) ?? customer;
        const sites = current.sites ?? [];
        const siteId = body.id ?? `${current._id}-S${sites.length + 1}`;
        if (sites.some((s) => s.id === siteId)) throw conflictField('id', `customer ${current._id} already has a site ${siteId}`);
        const next = [...sites, toSite(body, siteId)];
        await models.customers.updateOne({ _id: current._id }, { $set: { sites: next } });
        return { ...current, sites: next };
      });
      return { status: 201, body: presentCustomer(after), headers: { location: `/v1/customers/${customer._id}` } };
    },
  });

  return [create, list, read, requests, addSite];
}
