// dcmjs 0.52 ships no type declarations; these cover the part Lobule uses (reading and writing Part 10 datasets).
declare module 'dcmjs' {
  type NaturalDataset = Record<string, unknown>;
  interface DicomDictInstance {
    meta: Record<string, unknown>;
    dict: Record<string, unknown>;
    write(options?: { fragmentMultiframe?: boolean; allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDictInstance };
      DicomMetaDictionary: {
        naturalizeDataset(dataset: Record<string, unknown>): NaturalDataset;
        denaturalizeDataset(dataset: NaturalDataset): Record<string, unknown>;
        uid(): string;
      };
      DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
    };
    log: { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void };
  };
  export default dcmjs;
}
