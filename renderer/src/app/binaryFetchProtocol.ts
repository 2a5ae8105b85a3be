/** Messages between the page and binaryFetchWorker.ts. */
export interface BinaryFetchRequest {
  readonly id: number;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The response, or why the host could not be reached. */
export type BinaryFetchReply =
  | { readonly id: number; readonly status: number; readonly body: ArrayBuffer }
  | { readonly id: number; readonly error: string };
