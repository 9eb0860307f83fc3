import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

/** The typed result of an operation written with `graphql()`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResultOf<T> = T extends TypedDocumentNode<infer R, any> ? R : never;
