// The household server's user directory: who may log in, which addresses are local, where mail
// for an address goes. Implemented by ConfigUserDirectory (./directory.ts) over the server
// configuration file (server.json in the data folder, see ../config.ts).

export interface User {
  /** The full address, lower-cased: the login name and the mail store key. */
  address: string;
  displayName?: string;
  /** Storage quota in bytes over all the user's mailboxes; absent = no limit (see ./quota.ts). */
  quotaBytes?: number;
}

export interface UserDirectory {
  /**
   * Check a login. `address` is the full address (case-insensitive). Returns the user or null.
   * Runs in constant time with respect to the password, and does the same work for unknown users.
   */
  authenticate(address: string, password: string): Promise<User | null>;
  /**
   * Where mail for `address` goes: the local user addresses (a user, an alias's targets, or the
   * catch-all), or null if the domain is local but nobody receives it, or if the domain is not local.
   * Handles case, and `user+tag@domain` sub-addressing.
   */
  resolveRecipient(address: string): Promise<string[] | null>;
  /** True for the domains this server receives mail for (e.g. "home.arpa"). Case-insensitive. */
  isLocalDomain(domain: string): boolean;
  /** The local domains, the first one primary. */
  localDomains(): string[];
  getUser(address: string): Promise<User | null>;
  listUsers(): Promise<User[]>;
}
