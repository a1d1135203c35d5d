// Types of terminus-mock's Node API (index.js).
export declare const PLATFORM: string;
export declare function binaryPath(): string;

export interface StartOptions {
  caDir?: string;
  adminToken?: string;
  args?: string[];
  binary?: string;
  timeoutMs?: number;
}

export type Filters = Record<string, string | number | undefined>;

export interface Minted {
  id: string;
  key: string;
  name: string;
  [field: string]: unknown;
}

export interface Admin {
  mint(name?: string): Promise<Minted>;
  revoke(id: string | { id: string }): Promise<Record<string, unknown>>;
  requests(filters?: Filters): Promise<Array<Record<string, any>>>;
  unmatched(filters?: Filters): Promise<Array<Record<string, any>>>;
  count(filters?: Filters): Promise<number>;
  fault(spec: Record<string, unknown>): Promise<Record<string, unknown>>;
  clear(): Promise<void>;
}

export interface Mock {
  baseUrl: string;
  adminUrl: string;
  redirectUrl: string | null;
  caPath: string;
  caBundlePath: string;
  ca: string;
  adminToken: string;
  pid: number;
  env: Record<string, string>;
  admin: Admin;
  stop(): Promise<void>;
}

export declare function start(options?: StartOptions): Promise<Mock>;
