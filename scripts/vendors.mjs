// The three vendor APIs and the loopback ports their local servers use.
// One place, so the mock, sandbox and docs scripts and their tests agree.
export const vendors = [
  {
    api: 'cloudlx',
    title: 'CloudLX',
    spec: 'specs/cloudlx.yaml',
    mockPort: 4010,
    sandboxPort: 4020,
  },
  {
    api: 'cloudcx',
    title: 'CloudCX',
    spec: 'specs/cloudcx.yaml',
    mockPort: 4011,
    sandboxPort: 4021,
  },
  { api: 'sensu', title: 'Sensu Go', spec: 'specs/sensu.yaml', mockPort: 4012, sandboxPort: 4022 },
];
