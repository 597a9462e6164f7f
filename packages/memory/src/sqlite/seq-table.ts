type TypedArray = Int32Array | Uint8Array;
type TypedArrayClass<T extends TypedArray> = new (length: number) => T;

/** A growable typed array indexed by record `seq` (dense: `seq` is an autoincrement rowid). Missing reads as 0. */
export class SeqTable<T extends TypedArray> {
  private readonly type: TypedArrayClass<T>;
  private values: T;

  constructor(type: TypedArrayClass<T>) {
    this.type = type;
    this.values = new type(1024);
  }

  get(seq: number): number {
    return seq < this.values.length ? this.values[seq]! : 0;
  }

  set(seq: number, value: number): void {
    if (seq >= this.values.length) {
      if (value === 0) return;
      const grown = new this.type(Math.max(seq + 1, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[seq] = value;
  }
}
