import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { initI18n } from '../i18n';
import { OfficeApp } from './OfficeApp';
import './office.css';

const saved = localStorage.getItem('office.language');
void initI18n(saved === 'en' ? 'en' : 'zh-CN').then((i18n) => {
  i18n.on('languageChanged', (lng) => localStorage.setItem('office.language', lng));
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ErrorBoundary>
        <OfficeApp />
      </ErrorBoundary>
    </StrictMode>,
  );
});
