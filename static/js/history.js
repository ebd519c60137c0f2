// Undo and redo over whole definitions: simple, and a definition is small next to a page.
export class History {
  constructor(initial, limit = 200) {
    this.past = [];
    this.future = [];
    this.present = initial;
    this.limit = limit;
  }
  push(next) {
    this.past.push(this.present);
    if (this.past.length > this.limit) this.past.shift();
    this.present = next;
    this.future = [];
  }
  undo() {
    if (!this.past.length) return null;
    this.future.push(this.present);
    this.present = this.past.pop();
    return this.present;
  }
  redo() {
    if (!this.future.length) return null;
    this.past.push(this.present);
    this.present = this.future.pop();
    return this.present;
  }
  get canUndo() { return this.past.length > 0; }
  get canRedo() { return this.future.length > 0; }
}
