import { Component, type ReactNode } from 'react';

/**
 * A rendering bug must not leave the cashier with a blank screen: say so and offer a reload
 * (the sale is safe in SQLite; the reloaded screen picks up the open sale).
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="crash" role="alert">
        <h1>界面出错了 · The screen hit an error</h1>
        <p>交易数据已安全保存。请重新载入。 · Your sale is saved. Reload to continue.</p>
        <pre>{this.state.error.message}</pre>
        <button type="button" className="primary big" onClick={() => location.reload()}>
          重新载入 · Reload
        </button>
      </main>
    );
  }
}
