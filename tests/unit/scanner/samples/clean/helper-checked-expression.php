<?php
// A small calculator: only digits, operators and brackets reach the evaluator.
if (!isset($_POST['sum'])) {
    exit('nothing to compute');
}
$sum = trim($_POST['sum']);
if (!preg_match('/^[0-9+\-*\/(). ]+$/', $sum)) {
    exit('only numbers and + - * / ( ) please');
}

function compute($text)
{
    try {
        return eval("return $text;");
    } catch (Throwable $e) {
        return null;
    }
}

$result = compute($sum);
echo $result === null ? 'error' : $result;
