// How much each variable of a decoded session weighs: its serialize() length, the php format's
// own measure (other serializers differ by a constant factor or so: enough to rank them).
import { SerializeWriter } from '../encode/phpSerialize.ts';
import { ByteWriter } from '../encode/byteWriter.ts';
import { referenceTargets } from '../encode/valueTree.ts';
import type { PhpValue } from '../phpValue.ts';

export function variableSizes(variables: ReadonlyArray<readonly [string, PhpValue]>): Array<[string, number]> {
  const targets = referenceTargets(variables.map(([, v]) => v));
  return variables.map(([name, value]) => {
    const w = new SerializeWriter(new ByteWriter(), targets);
    try {
      w.write(value);
    } catch {
      return [name, 0];
    }
    return [name, w.out.length + name.length + 1];
  });
}
