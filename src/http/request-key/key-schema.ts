import { z } from 'zod';
import { compileKey } from './key-template.ts';

/** A key template in a config: refused at its line when it names an unknown variable. */
export const keyTemplateSchema = z.string().superRefine((text, ctx) => {
  const compiled = compileKey(text);
  if (typeof compiled === 'string') ctx.addIssue({ code: 'custom', message: compiled });
});
