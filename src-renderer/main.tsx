import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { connect } from './api/connect';
import { initI18n } from './i18n';
import './styles.css';

const connection = connect();
void initI18n().then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ErrorBoundary>
        <App connection={connection} />
      </ErrorBoundary>
    </StrictMode>,
  );
});
