import { createContext, useContext } from "react";
import type { Role } from "../lib/roles";

export interface Viewer {
  role: Role;
  label: string;
  /** the community the console works on: the token's, or the one an admin chose */
  community: string;
  scope: string | null;
  residentId: string | null;
  residentName: string | null;
  /** communities an admin may switch between (one for everyone else) */
  communities: string[];
  chooseCommunity: (name: string) => void;
}

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error("useViewer outside a signed-in session");
  return viewer;
}
