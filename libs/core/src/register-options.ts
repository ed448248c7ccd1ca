/** The options of every registry's register function (surrogates, models, datasets): one shape, one name. */
export interface RegisterOptions {
  /** Replace an existing registration of the same name instead of throwing. */
  override?: boolean;
}
