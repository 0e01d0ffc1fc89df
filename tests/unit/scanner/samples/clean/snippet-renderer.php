<?php
// CMS helper: a stored snippet, trimmed and rendered in an output buffer
function render_snippet(string $snippet): string
{
    $code = trim($snippet);
    ob_start();
    eval('?>' . $code);
    return (string) ob_get_clean();
}
