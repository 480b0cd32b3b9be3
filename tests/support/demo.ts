/** A registration body for the demo customer and machine that every service loads with SEED_DEMO_DATA. */
export function registrationBody(overrides: Record<string, unknown> = {}) {
  return {
    customerId: 'CUST-0001',
    contact: { name: 'Li Wei', phone: '+86 21 5555 0101', email: 'li.wei@example.com' },
    channel: 'phone',
    serialNumber: 'SN-0001',
    symptom: 'Burr on the cut edge after nozzle change',
    neededBy: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    ...overrides,
  };
}
