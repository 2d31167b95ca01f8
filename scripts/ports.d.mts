type VendorApi = 'cloudlx' | 'cloudcx' | 'sensu';
/** A service of the main command and the loopback port it listens on. */
export interface ServicePort {
  service: string;
  port: number;
}
export const portOffsetVariable: 'TOKENWIRE_PORT_OFFSET';
export const portOffsetOption: '--port-offset';
export const docsPort: number;
export function portOffsetFrom(
  argv?: readonly string[],
  env?: Record<string, string | undefined>,
): number;
export function portsAt(offset?: number): {
  sandbox: Record<VendorApi, number>;
  mock: Record<VendorApi, number>;
  docs: number;
};
export function mainCommandPorts(options?: { offset?: number; once?: boolean }): ServicePort[];
export function portProblem(port: number): Promise<string | undefined>;
export function busyPorts(ports: ServicePort[]): Promise<Array<ServicePort & { problem: string }>>;
export function freeOffset(options?: { once?: boolean }): Promise<number | undefined>;
export function busyPortsMessage(
  busy: Array<ServicePort & { problem: string }>,
  options?: { command?: string; suggestedOffset?: number },
): string;
export function checkPorts(options?: {
  offset?: number;
  once?: boolean;
  command?: string;
}): Promise<string | undefined>;
