/** The self-service kiosk (route #/kiosk). */
export function KioskScreen() {
  return <main className="kiosk" data-testid="kiosk-screen" />;
}
