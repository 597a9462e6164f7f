import { createContext, useContext } from "react";
import { ApiClient } from "../api/client.ts";
import type { Whoami } from "../api/types.ts";

const storageKey = "skein.apiKey";

/** The API key lives in sessionStorage: it is gone when the tab closes, and never in localStorage. */
export const storedKey = (): string | null => sessionStorage.getItem(storageKey);
export const storeKey = (key: string | null): void => {
  if (key) sessionStorage.setItem(storageKey, key);
  else sessionStorage.removeItem(storageKey);
};

export interface Auth {
  client: ApiClient;
  who: Whoami;
  signOut(): void;
}

export const AuthContext = createContext<Auth>({
  client: new ApiClient(null),
  who: { tenant: "", keyId: null, devMode: false, features: { memory: false, traceContent: false } },
  signOut() {},
});

export const useAuth = (): Auth => useContext(AuthContext);
export const useClient = (): ApiClient => useContext(AuthContext).client;
