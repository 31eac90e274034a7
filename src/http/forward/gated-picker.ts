import type { HttpRequest } from '../message.ts';
import type { RequestGate } from './request-gate.ts';
import type { TargetPicker } from './target-picker.ts';

/**
 * A mode's picker with a gate's answer fields added after its own: the
 * other hooks are the picker's own methods, bound once, and only those it
 * has, so the exchange skips the ones it lacks as before.
 */
export class GatedPicker implements TargetPicker {
  private readonly picker: TargetPicker;
  private readonly gate: RequestGate;
  release?: TargetPicker['release'];
  body?: TargetPicker['body'];
  requestBody?: TargetPicker['requestBody'];
  requestEnd?: TargetPicker['requestEnd'];
  finish?: TargetPicker['finish'];

  constructor(picker: TargetPicker, gate: RequestGate) {
    this.picker = picker;
    this.gate = gate;
    if (picker.release) this.release = picker.release.bind(picker);
    if (picker.body) this.body = picker.body.bind(picker);
    if (picker.requestBody) this.requestBody = picker.requestBody.bind(picker);
    if (picker.requestEnd) this.requestEnd = picker.requestEnd.bind(picker);
    if (picker.finish) this.finish = picker.finish.bind(picker);
  }

  pick(request: HttpRequest, attempt: number) {
    return this.picker.pick(request, attempt);
  }

  respond(request: HttpRequest, status: number, fields: string[]): void {
    this.picker.respond?.(request, status, fields);
    this.gate.respond(request, fields);
  }
}
