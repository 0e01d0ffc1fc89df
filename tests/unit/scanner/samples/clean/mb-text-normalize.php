<?php
// spamtrace test sample: clean look-alike (multibyte text clean-up with mb_ereg_replace).
function normalize_title(string $title): string
{
    mb_regex_encoding('UTF-8');
    $title = mb_ereg_replace('\s+', ' ', $title, 'msr');
    $title = mb_eregi_replace('^the ', '', $title, 'i');
    return mb_ereg_replace('[^\w\s-]', '', $title);
}
echo normalize_title($_GET['title'] ?? 'Hello   World');
