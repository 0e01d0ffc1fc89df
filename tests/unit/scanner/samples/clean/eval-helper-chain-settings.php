<?php
// shop page: the discount formula is written by the owner in the settings file; the
// visitor's cookie only picks the currency label shown next to the price
function cookie_value($name)
{
    return isset($_COOKIE[$name]) ? $_COOKIE[$name] : '';
}

function trimmed($text)
{
    return trim($text);
}

function currency_label($code)
{
    return htmlspecialchars(strtoupper(trimmed($code)));
}

function formula_value($expr)
{
    return eval('return ' . $expr . ';');
}

function owner_formula()
{
    $conf = require __DIR__ . '/settings.php';
    return trimmed($conf['discount']);
}

$discount = formula_value(owner_formula());
echo currency_label(cookie_value('cur')) . ' ' . number_format($discount, 2);
