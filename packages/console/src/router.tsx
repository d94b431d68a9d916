import { Center, Loader } from '@mantine/core';
import type { ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './layout/app-layout';
import { RequireSession } from './layout/require-session';
import { RouteError } from './layout/route-error';
import { SignInPage } from './pages/auth/sign-in-page';
import { SignUpPage } from './pages/auth/sign-up-page';

/**
 * A page loaded when first visited, so the editor (CodeMirror) and the charts do not weigh
 * on every other page.
 */
function page<M>(load: () => Promise<M>, name: keyof M) {
  return async () => ({ Component: (await load())[name] as ComponentType });
}

const loading = (
  <Center h="100vh">
    <Loader aria-label="Loading" />
  </Center>
);

export const router = createBrowserRouter([
  { path: '/signin', element: <SignInPage />, errorElement: <RouteError /> },
  { path: '/signup', element: <SignUpPage />, errorElement: <RouteError /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    hydrateFallbackElement: loading,
    children: [
      {
        index: true,
        lazy: page(() => import('./pages/dashboard/dashboard-page'), 'DashboardPage'),
      },
      {
        path: 'entities',
        lazy: page(() => import('./pages/entities/entities-page'), 'EntitiesPage'),
      },
      {
        path: 'entities/:entityId',
        lazy: page(() => import('./pages/entities/entity-page'), 'EntityPage'),
      },
      {
        path: 'templates',
        lazy: page(() => import('./pages/templates/templates-page'), 'TemplatesPage'),
      },
      {
        path: 'templates/new',
        lazy: page(() => import('./pages/templates/template-editor-page'), 'TemplateEditorPage'),
      },
      {
        path: 'templates/:templateId',
        lazy: page(() => import('./pages/templates/template-editor-page'), 'TemplateEditorPage'),
      },
      {
        path: 'policies',
        lazy: page(() => import('./pages/policies/policies-page'), 'PoliciesPage'),
      },
      {
        path: 'policies/new',
        lazy: page(() => import('./pages/policies/policy-editor-page'), 'PolicyEditorPage'),
      },
      {
        path: 'policies/:policyId',
        lazy: page(() => import('./pages/policies/policy-editor-page'), 'PolicyEditorPage'),
      },
      { path: 'events', lazy: page(() => import('./pages/events/events-page'), 'EventsPage') },
      {
        path: 'events/:eventId',
        lazy: page(() => import('./pages/events/event-page'), 'EventPage'),
      },
      {
        path: 'messages',
        lazy: page(() => import('./pages/messages/messages-page'), 'MessagesPage'),
      },
      {
        path: 'messages/:messageId',
        lazy: page(() => import('./pages/messages/message-page'), 'MessagePage'),
      },
      {
        path: 'settings',
        lazy: page(() => import('./pages/settings/settings-layout'), 'SettingsLayout'),
        children: [
          { index: true, element: <Navigate to="email-provider" replace /> },
          {
            path: 'email-provider',
            lazy: page(() => import('./pages/settings/email-provider-page'), 'EmailProviderPage'),
          },
          {
            path: 'api-keys',
            lazy: page(() => import('./pages/settings/api-keys-page'), 'ApiKeysPage'),
          },
          {
            path: 'suppressions',
            lazy: page(() => import('./pages/settings/suppressions-page'), 'SuppressionsPage'),
          },
          {
            path: 'members',
            lazy: page(() => import('./pages/settings/members-page'), 'MembersPage'),
          },
        ],
      },
      { path: '*', lazy: page(() => import('./pages/not-found-page'), 'NotFoundPage') },
    ],
  },
]);
