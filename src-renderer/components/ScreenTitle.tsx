/**
 * A screen's main heading (its one h1) for screen readers, where the screen shows its title in another form (the
 * selected tab, the total on the customer display). Visually hidden, so layouts stay as they are.
 */
export function ScreenTitle({ children }: { children: string }) {
  return <h1 className="visually-hidden">{children}</h1>;
}
