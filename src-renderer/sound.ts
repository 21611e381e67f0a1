/** A short error tone, synthesised (no audio file to ship). Browsers may block audio until the first key; then it is silent. */
let context: AudioContext | null = null;

export function errorBeep(): void {
  try {
    context ??= new AudioContext();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'square';
    oscillator.frequency.value = 440;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(context.destination);
    const now = context.currentTime;
    oscillator.start(now);
    oscillator.frequency.setValueAtTime(330, now + 0.12);
    oscillator.stop(now + 0.25);
  } catch {
    // no audio device: the on-screen message is enough
  }
}
