import { Alert, Button, Stack } from '@mantine/core';
import { Component, type ReactNode } from 'react';

/** A page that breaks shows a plain message and a way back, not a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  componentDidUpdate(prev: { resetKey?: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Stack gap="sm" p="md">
        <Alert color="red" variant="light" title="This page could not be shown" role="alert">
          Something went wrong on this page. Reload to try again; if it keeps happening, tell your administrator.
        </Alert>
        <div>
          <Button variant="default" onClick={() => window.location.reload()}>
            Reload
          </Button>
        </div>
      </Stack>
    );
  }
}
