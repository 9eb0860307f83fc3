import { graphql } from "../gql";

/** Who is signed in: asked when signing in, and again by every page load (kept in the tab meanwhile). */
export const MeQuery = graphql(`
  query Me {
    me {
      role
      label
      community
      scope
      resident {
        id
        name
      }
    }
    communities {
      name
    }
  }
`);
