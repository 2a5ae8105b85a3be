/**
 * The files a user picked or dropped, each with the path it had relative to what was chosen, so a dropped or picked
 * DICOM folder arrives on the host as that folder (the importer reads a folder as one series per SeriesInstanceUID).
 * Browsers give folder contents only through the entry API of a drop, or webkitRelativePath of a folder input.
 */

export interface PickedFile {
  /** '/'-separated path relative to the chosen item: `name.nii.gz` or `folder/sub/file.dcm`. */
  readonly path: string;
  readonly file: File;
}

/** From an `<input type=file>` (with `webkitdirectory`, each file names its folder in webkitRelativePath). */
export function fromFileList(list: FileList | null): PickedFile[] {
  return [...(list ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in batches (Chromium: 100 at a time) until it answers an empty one
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path, file });
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, path, out);
  }
}

/** From a drop: files and whole folders (walked), or plain files where the browser offers no entries. */
export async function fromDrop(data: DataTransfer | null): Promise<PickedFile[]> {
  if (!data) return [];
  // entries must be taken synchronously, before the first await: the DataTransfer empties after the event
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.some((e) => e === null)) return fromFileList(data.files);
  const out: PickedFile[] = [];
  for (const entry of entries) if (entry) await walk(entry, '', out);
  return out;
}
