import * as tf from './tf';

type LayerClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;

/**
 * Registers a layer class for (de)serialization unless a class of that name is registered
 * already. Another copy of @sugar-lab/core loaded into the same process (or a reload of this
 * module) keeps the registration it made, so models saved by the host keep loading as before.
 * Returns the class the registry resolves the name to.
 */
export function registerClassOnce(cls: LayerClass): LayerClass {
  const existing = tf.serialization.SerializationMap.getMap().classNameMap[cls.className];
  if (existing) return existing[0];
  tf.serialization.registerClass(cls);
  return cls;
}
