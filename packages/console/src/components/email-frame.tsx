import { Box } from '@mantine/core';

interface EmailFrameProps {
  html: string;
  title: string;
  height?: number;
}

/**
 * Rendered email HTML, shown as a mail client would: in an iframe with `sandbox=""`, so its
 * scripts, forms and links do nothing and it cannot reach the console. A white page whatever
 * the console's color scheme, since that is what most recipients see.
 */
export function EmailFrame({ html, title, height = 420 }: EmailFrameProps) {
  return (
    <Box
      component="iframe"
      sandbox=""
      srcDoc={html}
      title={title}
      w="100%"
      h={height}
      bd="1px solid var(--mantine-color-default-border)"
      bg="white"
      style={{ borderRadius: 'var(--mantine-radius-md)', display: 'block' }}
    />
  );
}
